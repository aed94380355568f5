/** Reading a request body within limits: size while streaming, then JSON, then nesting depth. */

/** Why a body was refused. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: 'too_large' | 'invalid_json' | 'too_deep' | 'unsupported_encoding',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The body as text, refusing it (413) as soon as it passes `maxBytes`. A gzip body
 * (`Content-Encoding: gzip`, analytics-python's `gzip=True`) is inflated on the way, and
 * `maxBytes` counts what it inflates to; any other encoding is 415.
 */
export async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return '';
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new BodyError(
      415,
      'unsupported_encoding',
      `the body's Content-Encoding ${encoding} is not supported: send it plain or gzip`,
    );
  }
  const reader = (
    encoding === 'gzip'
      ? request.body.pipeThrough(
          new DecompressionStream('gzip') as ReadableWritablePair<Uint8Array, Uint8Array>,
        )
      : request.body
  ).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch (error) {
      if (encoding !== 'gzip') throw error;
      throw new BodyError(400, 'invalid_json', 'the body is not valid gzip');
    }
    const { done, value } = next;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function tooLarge(maxBytes: number): BodyError {
  return new BodyError(
    413,
    'too_large',
    `the body is larger than ${maxBytes} bytes (maxBodyBytes)`,
  );
}

/** Parses JSON, refusing text that is not JSON or nests deeper than `maxDepth`. */
export function parseJsonWithin(text: string, maxDepth: number): unknown {
  // Checked on the text first, so a hostile body cannot blow the parser's stack.
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (++depth > maxDepth)
        throw new BodyError(400, 'too_deep', `the body nests deeper than ${maxDepth} levels`);
    } else if (char === '}' || char === ']') depth--;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400, 'invalid_json', 'the body is not valid JSON');
  }
}

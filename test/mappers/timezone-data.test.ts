import { rawTimeZones, timeZonesNames } from '@vvo/tzdb';
import { describe, expect, it } from 'vitest';
import { TIME_ZONE_GROUPS } from '../../src/leaf/timezone-data';

describe('the compact time zone data', () => {
  it('matches the installed @vvo/tzdb (run `node scripts/generate-timezones.mjs` after upgrading it)', () => {
    const marked = TIME_ZONE_GROUPS.split(/[ ;]/).filter((name) => name.startsWith('*'));
    expect(marked.map((name) => name.slice(1)).sort()).toStrictEqual([...timeZonesNames].sort());
    const groups = TIME_ZONE_GROUPS.replaceAll('*', '')
      .split(';')
      .map((zone) => zone.split(' '));
    expect(groups.map(([main]) => main)).toStrictEqual(rawTimeZones.map((zone) => zone.name));
    expect(groups.map((members) => [...members].sort())).toStrictEqual(
      rawTimeZones.map((zone) => [...new Set([zone.name, ...zone.group])].sort()),
    );
  });
});

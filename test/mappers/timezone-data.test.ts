import { rawTimeZones, timeZonesNames } from '@vvo/tzdb';
import { describe, expect, it } from 'vitest';
import { TIME_ZONE_GROUPS, TIME_ZONE_NAMES } from '../../src/leaf/timezone-data';

describe('the compact time zone data', () => {
  it('matches the installed @vvo/tzdb (run `node scripts/generate-timezones.mjs` after upgrading it)', () => {
    expect(TIME_ZONE_NAMES.split(' ')).toStrictEqual(timeZonesNames);
    const groups = TIME_ZONE_GROUPS.split(';').map((zone) => zone.split(' '));
    expect(groups.map(([main]) => main)).toStrictEqual(rawTimeZones.map((zone) => zone.name));
    expect(groups.map((members) => [...members].sort())).toStrictEqual(
      rawTimeZones.map((zone) => [...new Set([zone.name, ...zone.group])].sort()),
    );
  });
});

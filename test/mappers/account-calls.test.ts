import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  mapDisablePushToken,
  mapGroup,
  mapRegisterPushToken,
  mapSubscription,
  VERSION,
} from '../../src/index';
import { issuePaths as pathsOf, validationIssues } from '../support/validation';

describe('group, push-token and subscription mappers', () => {
  it('maps group to identify with group_id as a string and group_attributes', () => {
    expect(
      mapGroup({ userId: 7, groupId: 42, traits: { plan: 'enterprise', since: new Date(0) } }),
    ).toStrictEqual({
      path: '/v2/identify',
      body: {
        user_id: 7,
        group_id: '42',
        group_attributes: { plan: 'enterprise', since: '1970-01-01T00:00:00.000Z' },
      },
      warnings: [],
    });
    expect(
      mapGroup({ userId: 'u', groupId: 'g', traits: null }).body.group_attributes,
    ).toStrictEqual({});
    expect(pathsOf(() => mapGroup({ userId: 'u', groupId: '' }))).toStrictEqual(['groupId']);
  });

  it('maps push-token registration and disabling', () => {
    expect(
      mapRegisterPushToken({ userId: 'u', platform: 'gcm', token: new Uint8Array([1, 255]) }),
    ).toStrictEqual({
      path: '/v2/gcm/register',
      body: { user_id: 'u', token: '01ff' },
      warnings: [],
    });
    expect(mapDisablePushToken({ userId: 'u', platform: 'apns', token: ' t ' }).body).toStrictEqual(
      { user_id: 'u', token: 't' },
    );
    expect(mapDisablePushToken({ userId: 'u', platform: 'apns', all: true })).toStrictEqual({
      path: '/v2/apns/disable',
      body: { user_id: 'u', all: true },
      warnings: [],
    });
    expect(
      pathsOf(() => mapRegisterPushToken({ userId: 'u', platform: 'apns', token: '  ' })),
    ).toStrictEqual(['token']);
    expect(
      pathsOf(() => mapDisablePushToken({ userId: 'u', platform: 'apns', token: 't', all: true })),
    ).toStrictEqual(['token']);
    expect(
      pathsOf(() => mapDisablePushToken({ userId: 'u', platform: 'apns', all: false as never })),
    ).toStrictEqual(['all']);
  });

  it('maps subscriptions to /all or /campaigns', () => {
    expect(mapSubscription('subscribe', { userId: 'u' })).toStrictEqual({
      path: '/v2/subscribe/all',
      body: { user_id: 'u' },
      warnings: [],
    });
    expect(
      mapSubscription('unsubscribe', { userId: 'u', campaignIds: [1, '2'] }).body,
    ).toStrictEqual({ user_id: 'u', campaign_ids: [1, '2'] });
    expect(
      pathsOf(() => mapSubscription('subscribe', { userId: 'u', campaignIds: [] })),
    ).toStrictEqual(['campaignIds']);
    expect(
      pathsOf(() => mapSubscription('subscribe', { userId: 'u', campaignIds: [''] })),
    ).toStrictEqual(['campaignIds.0']);
  });
});

describe('VERSION', () => {
  it('is the version in package.json', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});

describe('group, push-token and subscription errors: the call and the field', () => {
  it('names group and the trait', () => {
    expect(
      validationIssues(() =>
        mapGroup({ userId: 'u', groupId: 'g', traits: { seats: Number.NaN } }),
      ),
    ).toStrictEqual([
      { path: 'traits.seats', message: 'group: `traits.seats` is NaN, which JSON cannot carry' },
    ]);
    expect(validationIssues(() => mapGroup({ userId: 'u', groupId: '' }))).toStrictEqual([
      {
        path: 'groupId',
        message: 'group: `groupId` must be a non-empty string or a finite number',
      },
    ]);
  });

  it('names registerPushToken and the token', () => {
    expect(
      validationIssues(() => mapRegisterPushToken({ userId: 'u', platform: 'apns', token: ' ' })),
    ).toStrictEqual([
      { path: 'token', message: 'registerPushToken: `token` must be a non-empty string or bytes' },
    ]);
    expect(
      validationIssues(() =>
        mapRegisterPushToken({ userId: 'u', platform: 'web' as never, token: 't' }),
      ),
    ).toStrictEqual([
      { path: 'platform', message: "registerPushToken: `platform` must be 'apns', 'fcm' or 'gcm'" },
    ]);
  });

  it('names disablePushToken and the token', () => {
    expect(
      validationIssues(() =>
        mapDisablePushToken({ userId: 'u', platform: 'fcm', token: 't', all: true }),
      ),
    ).toStrictEqual([
      { path: 'token', message: 'disablePushToken: `token` must be left out when `all` is true' },
    ]);
    expect(
      validationIssues(() => mapDisablePushToken({ userId: 'u', platform: 'fcm' })),
    ).toStrictEqual([
      {
        path: 'token',
        message:
          'disablePushToken: `token` must be a non-empty string or bytes (or set `all: true`)',
      },
    ]);
    expect(
      validationIssues(() => mapDisablePushToken({ userId: '', platform: 'fcm', all: true })),
    ).toStrictEqual([
      {
        path: 'userId',
        message: 'disablePushToken: `userId` must be a non-empty string or a finite number',
      },
    ]);
  });

  it('names subscribe or unsubscribe and the campaign ids', () => {
    expect(
      validationIssues(() => mapSubscription('unsubscribe', { userId: 'u', campaignIds: [] })),
    ).toStrictEqual([
      {
        path: 'campaignIds',
        message: 'unsubscribe: `campaignIds` must not be empty; leave it out for every campaign',
      },
    ]);
  });

  it('returns whole results with no warnings', () => {
    expect(mapDisablePushToken({ userId: 'u', platform: 'gcm', token: 't' })).toStrictEqual({
      path: '/v2/gcm/disable',
      body: { user_id: 'u', token: 't' },
      warnings: [],
    });
    expect(mapSubscription('subscribe', { userId: 5, campaignIds: ['c1'] })).toStrictEqual({
      path: '/v2/subscribe/campaigns',
      body: { user_id: 5, campaign_ids: ['c1'] },
      warnings: [],
    });
    const campaignIds = [1, 2];
    const { body } = mapSubscription('unsubscribe', { userId: 'u', campaignIds });
    campaignIds.push(3);
    expect(body).toStrictEqual({ user_id: 'u', campaign_ids: [1, 2] });
  });
});

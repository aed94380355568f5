import * as z from 'zod/mini';
import {
  ConnectEventSchema,
  ConnectUserSchema,
  DisableAllTokensBodySchema,
  LenientConnectUserSchema,
  PushTokenBodySchema,
  SubscribeAllBodySchema,
  SubscribeCampaignsBodySchema,
} from '../schemas/wire';
import { connectErrorResponse } from './connect-errors';
import type { ConnectEmulatorFaults } from './faults';
import type { PlainResponse } from './plain-http';
import type { EmulatorStore, PushPlatform } from './store';
import { validate } from './validate';
import type { WriteLog } from './write-log';

/** Connect's endpoints: the schema each checks and what each applies to the store. */

/** Answers a parsed, authorized body sent to `path`, applying what it accepts. */
export type Route = (body: unknown, path: string, requestId: string | undefined) => PlainResponse;

/** What the routes read and change. */
export interface RouteContext {
  store: EmulatorStore;
  log: WriteLog;
  faults: ConnectEmulatorFaults;
  now: () => number;
  /** Refuse what Connect documents as invalid but may have stored (see `ConnectEmulatorOptions.strict`). */
  strict: boolean;
}

const MAX_BATCH = 100;
const PLATFORMS: readonly PushPlatform[] = ['apns', 'fcm', 'gcm'];
const DisableBodySchema = z.union([DisableAllTokensBodySchema, PushTokenBodySchema]);
const OK: PlainResponse = { status: 200, headers: {}, body: '' };

/** Every endpoint of the wire contract, by path. */
export function connectRoutes({
  store,
  log,
  faults,
  now,
  strict,
}: RouteContext): Map<string, Route> {
  /** The user a body reached once applied, following aliases. */
  const reached = (body: unknown) => store.resolve((body as { user_id: string | number }).user_id);

  const single =
    <S extends z.ZodMiniType>(schema: S, apply: (data: z.output<S>) => void): Route =>
    (body, path, requestId) => {
      const result = validate(schema, body);
      if (!result.ok) return connectErrorResponse(400, result.message);
      if (faults.refuses(body, { path, index: undefined })) {
        return connectErrorResponse(400, 'the message was refused');
      }
      apply(result.data);
      log.record(path, result.data, requestId, now(), reached(result.data));
      return OK;
    };

  const batch =
    <S extends z.ZodMiniType>(schema: S, apply: (data: z.output<S>) => void): Route =>
    (body, path, requestId) => {
      if (!Array.isArray(body)) return connectErrorResponse(400, 'body must be a JSON array');
      if (body.length > MAX_BATCH) {
        return connectErrorResponse(
          400,
          `body holds ${body.length} items; a batch holds at most ${MAX_BATCH}`,
        );
      }
      const problems: string[] = [];
      const items: z.output<S>[] = [];
      body.forEach((item, index) => {
        const result = validate(schema, item, index);
        if (!result.ok) problems.push(result.message);
        else if (faults.refuses(item, { path, index })) problems.push(`[${index}] was refused`);
        else items.push(result.data);
      });
      if (problems.length > 0) return connectErrorResponse(400, problems.join('; '));
      for (const item of items) {
        apply(item);
        log.record(path, item, requestId, now(), reached(item));
      }
      return OK;
    };

  const userSchema = strict ? ConnectUserSchema : LenientConnectUserSchema;
  const subscription = (subscribed: boolean) =>
    single(SubscribeAllBodySchema, (b) =>
      store.setSubscription(b.user_id, subscribed, 'all', now()),
    );
  const campaigns = (subscribed: boolean) =>
    single(SubscribeCampaignsBodySchema, (b) =>
      store.setSubscription(b.user_id, subscribed, b.campaign_ids, now()),
    );
  const routes = new Map<string, Route>([
    ['/v2/identify', single(userSchema, (user) => store.identify(user, now()))],
    ['/v2/identify/batch', batch(userSchema, (user) => store.identify(user, now()))],
    ['/v2/track', single(ConnectEventSchema, (event) => store.track(event, now()))],
    ['/v2/track/batch', batch(ConnectEventSchema, (event) => store.track(event, now()))],
    ['/v2/unsubscribe/all', subscription(false)],
    ['/v2/subscribe/all', subscription(true)],
    ['/v2/unsubscribe/campaigns', campaigns(false)],
    ['/v2/subscribe/campaigns', campaigns(true)],
  ]);
  for (const platform of PLATFORMS) {
    routes.set(
      `/v2/${platform}/register`,
      single(PushTokenBodySchema, (b) => store.registerToken(platform, b.user_id, b.token, now())),
    );
    routes.set(
      `/v2/${platform}/disable`,
      single(DisableBodySchema, (b) =>
        store.disableToken(platform, b.user_id, 'all' in b ? 'all' : b.token, now()),
      ),
    );
  }
  return routes;
}

/**
 * `zendesk-connect`: send Segment-style identify, track and alias calls to Zendesk Connect.
 *
 * @packageDocumentation
 */
export * from './errors';
export * from './mappers/index';
export * from './schemas/index';

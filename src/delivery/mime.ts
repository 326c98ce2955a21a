/**
 * The one place that imports nodemailer's internal modules (`nodemailer/lib/*`): its header
 * encoder, parameter builder, line folder and MIME types, which compose.ts uses to lay out a
 * message once per run, and the DATA stream smtp-data.ts speeds up. They are not nodemailer's
 * public API: tests/adapters.test.ts and tests/smtp-data.test.ts pin what relais relies on, so
 * that an update that changes them fails there.
 */
export { buildHeaderValue, detectMimeType, foldLines } from 'nodemailer/lib/mime-funcs';
export { default as MimeNode, type MimeNodeHeaderValue } from 'nodemailer/lib/mime-node';
export { default as DataStream } from 'nodemailer/lib/smtp-connection/data-stream';

/**
 * The local X, Facebook and LinkedIn servers of the tests (tests/servers/social.ts), in a process
 * of their own for the media benchmark: their memory is not counted as relais's. Prints its base
 * URL, then serves until killed.
 */
import { startSocial } from '../tests/servers/social.js';

const server = await startSocial(undefined, { media: { xPending: 0, liPending: 0 } });
process.stdout.write(`${server.url}\n`);

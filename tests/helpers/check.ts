import { checkCampaign } from '../../src/campaign/check.js';
import { checkOptions } from '../../src/cli/campaign.js';

/**
 * What `relais check --json` prints and its exit code, without a process: src/cli/check.ts prints
 * checkCampaign's report (with the same options) as the JSON document and exits 1 when it is not
 * ok. For the many tests of what the readers report on one given file: a relais process costs
 * about a second of CPU, most of it loading the communes, which in-process load once per test
 * file. The command itself, spawned, is tested on the sample campaign (check.test.ts), on bad
 * input (check.test.ts, hostile-files.test.ts) and by the sweep.
 */
export async function checkJson<T>(dir: string, departements: string[] = []): Promise<{ code: number; json: T }> {
  const { report } = await checkCampaign(dir, checkOptions(departements));
  // Through JSON, as printed: what a test reads is the document, not the objects behind it.
  return { code: report.ok ? 0 : 1, json: JSON.parse(JSON.stringify(report)) as T };
}

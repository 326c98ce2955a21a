import type { ProblemList } from '../problems.js';
import { TemplateError, type TemplateSet } from '../text/templates.js';
import { departementContext, recipientContext, type Figures } from './context.js';
import { buildLetter } from './letter.js';
import type { Campaign } from './load.js';
import { CHANNEL_LABELS, renderEmail, renderMessages, withMessages, type SocialChannel } from './messages.js';
import type { Recipient } from './recipients.js';

/**
 * Renders every text for every recipient, as `relais check` must before anything is generated:
 * a template error or a broken channel rule is reported once, for the first recipient it fails
 * on, with the number of recipients affected.
 */
interface Finding {
  severity: 'error' | 'warning';
  kind: string;
  message: string;
  file?: string;
  line?: number;
  first: string;
  count: number;
  /** Same reason, same template and line: one problem, whatever values each recipient brings. */
  reason?: string;
}

export function checkRendering(campaign: Campaign, recipients: Recipient[], set: TemplateSet, figures: Figures | undefined, problems: ProblemList): void {
  const findings = new Map<string, Finding>();
  const note = (f: Omit<Finding, 'count'>) => {
    const key = `${f.kind}|${f.file}|${f.line}|${f.reason ?? f.message}`;
    const found = findings.get(key);
    if (found) found.count++;
    else findings.set(key, { ...f, count: 1 });
  };
  const templateError = (err: unknown, who: string) => {
    if (!(err instanceof TemplateError)) throw err;
    note({ severity: 'error', kind: 'modele', message: err.message, reason: err.reason, file: err.file, ...(err.line === undefined ? {} : { line: err.line }), first: who });
  };

  for (const dep of campaign.departements) {
    const depContext = departementContext(campaign, dep, figures);
    // Social posts are per département, without a commune: they must render on their own too.
    try {
      renderMessages(set, depContext);
    } catch (err) {
      templateError(err, `département ${dep.code} (publications, sans commune)`);
    }
    // Recipients whose contexts agree on every value the templates read render the same texts:
    // each distinct case is rendered once, and its findings counted for every recipient.
    const cases = new Map<string, Array<Omit<Finding, 'count' | 'first'>>>();
    for (const r of recipients) {
      if (r.departement.code !== dep.code) continue;
      const who = `${r.commune.nom} (${r.commune.code})`;
      const context = recipientContext(depContext, r);
      const key = set.keyFor(context);
      const known = key === undefined ? undefined : cases.get(key);
      if (known) {
        for (const f of known) note({ ...f, first: who });
        continue;
      }
      const found: Array<Omit<Finding, 'count' | 'first'>> = [];
      const record = (f: Omit<Finding, 'count'>) => {
        const { first: _first, ...rest } = f;
        found.push(rest);
        note(f);
      };
      if (key !== undefined) cases.set(key, found);
      const rulesFor = (messages: ReturnType<typeof renderMessages>) => {
        for (const channel of Object.keys(messages) as SocialChannel[]) {
          const file = set.fileOf(channel);
          for (const p of messages[channel].result.problems) {
            record({ severity: p.severity, kind: 'regle-canal', message: `${CHANNEL_LABELS[channel]} : ${p.message}`, ...(file ? { file } : {}), first: who });
          }
        }
      };
      try {
        const messages = renderMessages(set, context);
        rulesFor(messages);
        buildLetter(set, context, messages);
        const email = renderEmail(set, withMessages(context, messages));
        const file = set.fileOf('courriel_objet');
        for (const p of email.objetResult.problems) record({ severity: p.severity, kind: 'regle-canal', message: `objet du courriel : ${p.message}`, ...(file ? { file } : {}), first: who });
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        record({ severity: 'error', kind: 'modele', message: err.message, reason: err.reason, file: err.file, ...(err.line === undefined ? {} : { line: err.line }), first: who });
      }
    }
  }
  for (const f of findings.values()) {
    const scope = f.count > 1 ? ` — ${f.count.toLocaleString('fr-FR')} destinataires concernés, dont ${f.first}` : ` — 1 destinataire : ${f.first}`;
    problems.add({ severity: f.severity, kind: f.kind, message: `${f.message}${scope}`, scope: 'row', ...(f.file ? { file: f.file } : {}), ...(f.line === undefined ? {} : { line: f.line }) });
  }
}

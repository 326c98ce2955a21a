import type { Problem } from '../problems.js';
import { TemplateError, type TemplateSet } from '../text/templates.js';
import { departementContext, RECIPIENT_ROOTS, recipientContext, recipientOwnContext, type CampaignVideo, type DepartementContext, type Figures, type RecipientContext } from './context.js';
import { buildLetter, letterKey, type LetterModel } from './letter.js';
import { campaignKey, type Campaign, type CampaignDepartement } from './load.js';
import { CHANNEL_LABELS, measurer, renderEmail, renderMessages, SOCIAL_CHANNELS, withMessages, type RenderedEmail, type RenderedMessage, type SocialChannel } from './messages.js';
import { textInterner, type TextInterner } from './text-interner.js';
import { campaignPaths, communeFileStem, letterAttachmentName, type CampaignPaths } from './paths.js';
import type { Recipient } from './recipients.js';

/**
 * The plan of a campaign, computed once per command from the checked campaign (the model is
 * changesets' assemble-release-plan): for each recipient its template context, every text
 * rendered with its counts, where its email goes (or that its letter goes by post), its letter's
 * content key, and every path. `check` builds it, so a text that cannot be rendered is found
 * there; `letters`, `send`, `preview`, `posts`, `status` and `run` read it and render nothing.
 *
 * Pure: no file, no database, no clock. Whatever comes from a file (the video's size, the
 * sign-up figures) is read by the caller and handed in.
 */
export interface PlanInput {
  campaign: Campaign;
  recipients: Recipient[];
  templates: TemplateSet;
  figures: Figures | undefined;
  video: CampaignVideo;
}

/** What a PDF says of itself (its document properties). */
export interface LetterMeta {
  title: string;
  author: string;
  subject: string;
}

/**
 * One recipient of the plan. Read-only; everything but `recipient` is derived from what it shares
 * with others when read (`letter`, `paths` and `context` are built anew at each read: read once).
 */
export interface RecipientPlan {
  readonly recipient: Recipient;
  context: RecipientContext;
  /** The four channel messages, which are also the letter's annex, with their counts. */
  messages: Record<SocialChannel, RenderedMessage>;
  letter: {
    model: LetterModel;
    /** letterKey(model): the same for every commune that reads the same letter but for its address. */
    key: string;
    meta: LetterMeta;
  };
  /** letter.key, without building the letter (check asks it of every recipient). */
  readonly letterKey: string;
  email: RenderedEmail;
  /** The town hall's address, or null: its letter goes by post. */
  to: string | null;
  /** Deterministic per campaign and commune: anyone can recognise a duplicate. */
  messageId: string;
  paths: {
    letter: string;
    /** Where the local outbox writes the email; null when there is no address. */
    outbox: string | null;
    /** The letter's file name as the email attaches it. */
    attachment: string;
  };
}

export interface DepartementPlan {
  departement: CampaignDepartement;
  context: DepartementContext;
  /** Per département, without a commune: the social posts and the SMS. */
  messages: Record<SocialChannel, RenderedMessage>;
  /** The first line of its letters' issuer block. */
  authority: string;
  paths: { letters: string; print: string; messages: Record<SocialChannel, string>; annex: string };
}

export interface Plan {
  /** The campaign's identity in the journal. */
  campaign: string;
  paths: CampaignPaths;
  /** Every département of the campaign, selected or not (their posts render on their own). */
  departements: DepartementPlan[];
  /** The recipients checked, in their order. */
  recipients: RecipientPlan[];
  recipient(code: string): RecipientPlan | undefined;
  departement(code: string): DepartementPlan | undefined;
}

export interface PlanResult {
  /** Undefined when some text could not be rendered: nothing is produced from such a campaign. */
  plan: Plan | undefined;
  /** Template errors and broken channel rules, each once with the number of recipients it affects. */
  problems: Problem[];
}

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

type CaseFinding = Omit<Finding, 'count' | 'first'>;

/** What recipients whose contexts agree on every value the templates read have in common. */
interface Case {
  findings: CaseFinding[];
  texts?: { messages: Record<SocialChannel, RenderedMessage>; letter: LetterModel; key: string; email: RenderedEmail };
}

function templateFinding(err: unknown): CaseFinding {
  if (!(err instanceof TemplateError)) throw err;
  return { severity: 'error', kind: 'modele', message: err.message, ...(err.reason === undefined ? {} : { reason: err.reason }), file: err.file, ...(err.line === undefined ? {} : { line: err.line }) };
}

export function planCampaign(input: PlanInput): PlanResult {
  const { campaign, templates: set } = input;
  const paths = campaignPaths(campaign.dir);
  const key = campaignKey(campaign);
  const domain = campaign.config.expediteur?.courriel.split('@')[1] ?? 'relais.invalid';
  const measure = measurer();
  const intern = textInterner();
  const findings = new Map<string, Finding>();
  // A case's findings are noted once per recipient in it: found by the object first, so that the
  // key and the recipient's name are made once per finding, not 35,000 times.
  const byObject = new Map<CaseFinding, Finding>();
  const note = (f: CaseFinding, first: string | Recipient) => {
    let found = byObject.get(f);
    if (!found) {
      const id = `${f.kind}|${f.file}|${f.line}|${f.reason ?? f.message}`;
      found = findings.get(id);
      if (!found) {
        found = { ...f, first: typeof first === 'string' ? first : `${first.commune.nom} (${first.commune.code})`, count: 0 };
        findings.set(id, found);
      }
      byObject.set(f, found);
    }
    found.count++;
  };
  const channelFindings = (messages: Record<SocialChannel, RenderedMessage>, email: RenderedEmail | undefined): CaseFinding[] => {
    const out: CaseFinding[] = [];
    for (const channel of SOCIAL_CHANNELS) {
      const file = set.fileOf(channel);
      for (const p of messages[channel].result.problems) out.push({ severity: p.severity, kind: 'regle-canal', message: `${CHANNEL_LABELS[channel]} : ${p.message}`, ...(file ? { file } : {}) });
    }
    const file = set.fileOf('courriel_objet');
    for (const p of email?.objetResult.problems ?? []) out.push({ severity: p.severity, kind: 'regle-canal', message: `objet du courriel : ${p.message}`, ...(file ? { file } : {}) });
    return out;
  };

  let failed = false;
  const departements: DepartementPlan[] = [];
  const recipients: RecipientPlan[] = [];
  const byDep = new Map<string, Recipient[]>();
  for (let i = 0; i < input.recipients.length; i++) {
    const r = input.recipients[i]!;
    const list = byDep.get(r.departement.code);
    if (list) list.push(r);
    else byDep.set(r.departement.code, [r]);
  }
  for (const dep of campaign.departements) {
    const depContext = departementContext(campaign, dep, input.figures, input.video);
    let depMessages: Record<SocialChannel, RenderedMessage> | undefined;
    try {
      depMessages = renderMessages(set, depContext, measure);
    } catch (err) {
      failed = true;
      note(templateFinding(err), `département ${dep.code} (publications, sans commune)`);
    }
    if (depMessages) {
      departements.push({
        departement: dep,
        context: depContext,
        messages: depMessages,
        authority: depContext.prefet.titre.toUpperCase(),
        paths: {
          letters: paths.lettersOf(dep.code),
          print: paths.print(dep.code),
          messages: Object.fromEntries(SOCIAL_CHANNELS.map((c) => [c, paths.message(dep.code, c)])) as Record<SocialChannel, string>,
          annex: paths.messagesFile(dep.code, 'annexe.md'),
        },
      });
    }
    const shared: Shared = { context: depContext, campaign: key, domain, paths, author: `${depContext.prefet.titre} ; ${campaign.config.ars.nom}`, subject: campaign.config.campagne.objet };
    // Each distinct case is rendered once; its findings are counted for every recipient in it.
    const cases = new Map<string, Case>();
    // A recipient's case is keyed by its own values, the département's read once;
    // its whole context is built only to render a new case (35,000 contexts were a third of the plan).
    const keyer = set.keyerFor(RECIPIENT_ROOTS);
    const list = byDep.get(dep.code) ?? [];
    // Indexed loops: 35,000 iterations of for…of left as many iterator results to collect.
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      const caseKey = keyer?.(recipientOwnContext(r));
      let found = caseKey === undefined ? undefined : cases.get(caseKey);
      if (!found) {
        found = renderCase(set, recipientContext(depContext, r), measure, channelFindings, intern);
        if (caseKey !== undefined) cases.set(caseKey, found);
      }
      for (let k = 0; k < found.findings.length; k++) note(found.findings[k]!, r);
      const texts = found.texts;
      if (!texts) {
        failed = true;
        continue;
      }
      recipients.push(new PlannedRecipient(r, texts, shared));
    }
  }

  const problems: Problem[] = [];
  for (const f of findings.values()) {
    if (f.severity === 'error') failed = true;
    const scope = f.count > 1 ? ` — ${f.count.toLocaleString('fr-FR')} destinataires concernés, dont ${f.first}` : ` — 1 destinataire : ${f.first}`;
    problems.push({ severity: f.severity, kind: f.kind, message: `${f.message}${scope}`, scope: 'row', ...(f.file ? { file: f.file } : {}), ...(f.line === undefined ? {} : { line: f.line }) });
  }
  if (failed) return { plan: undefined, problems };
  // Rendered département by département, read in the order the recipients were given.
  // The join gives them département by département already: sorted only if not.
  if (recipients.length !== input.recipients.length || recipients.some((p, i) => p.recipient !== input.recipients[i])) {
    const order = new Map(input.recipients.map((r, i) => [r, i]));
    recipients.sort((a, b) => order.get(a.recipient)! - order.get(b.recipient)!);
  }
  // Made at the first look-up: check never looks one up, and 35,000 entries are not free.
  let byCode: Map<string, RecipientPlan> | undefined;
  const depByCode = new Map(departements.map((d) => [d.departement.code, d]));
  return {
    plan: {
      campaign: key,
      paths,
      departements,
      recipients,
      recipient: (code) => (byCode ??= new Map(recipients.map((p) => [p.recipient.commune.code, p]))).get(code),
      departement: (code) => depByCode.get(code),
    },
    problems,
  };
}

/** What the recipients of a département share, held once. */
interface Shared {
  context: DepartementContext;
  campaign: string;
  domain: string;
  paths: CampaignPaths;
  author: string;
  subject: string;
}

type CaseTexts = NonNullable<Case['texts']>;

/**
 * A recipient of the plan holds only what is its own (the recipient) and references to what it
 * shares (its case's texts, its département): the rest is derived when read. 35,000 of them kept
 * whole cost more memory than the whole check.
 */
class PlannedRecipient implements RecipientPlan {
  constructor(
    readonly recipient: Recipient,
    private readonly texts: CaseTexts,
    private readonly shared: Shared,
  ) {}

  get context(): RecipientContext {
    return recipientContext(this.shared.context, this.recipient);
  }

  get messages(): Record<SocialChannel, RenderedMessage> {
    return this.texts.messages;
  }

  get letter(): RecipientPlan['letter'] {
    const { commune } = this.recipient;
    return {
      model: { ...this.texts.letter, adresse: this.recipient.adresse },
      key: this.texts.key,
      meta: { title: `Lettre aux maires — ${commune.nom} (${commune.code})`, author: this.shared.author, subject: this.shared.subject },
    };
  }

  get letterKey(): string {
    return this.texts.key;
  }

  get email(): RenderedEmail {
    return this.texts.email;
  }

  get to(): string | null {
    return this.recipient.contact?.courriel ?? null;
  }

  get messageId(): string {
    return `<${this.shared.campaign}.${this.recipient.commune.code}@${this.shared.domain}>`;
  }

  get paths(): RecipientPlan['paths'] {
    const dep = this.recipient.departement.code;
    const stem = communeFileStem(this.recipient.commune);
    const { paths } = this.shared;
    return { letter: paths.letter(dep, stem), outbox: this.to === null ? null : paths.outboxMessage(dep, stem), attachment: letterAttachmentName(stem) };
  }
}

function renderCase(
  set: TemplateSet,
  context: RecipientContext,
  measure: ReturnType<typeof measurer>,
  channelFindings: (m: Record<SocialChannel, RenderedMessage>, e: RenderedEmail | undefined) => CaseFinding[],
  intern: TextInterner,
): Case {
  let messages: Record<SocialChannel, RenderedMessage>;
  try {
    messages = intern.messages(renderMessages(set, context, measure));
  } catch (err) {
    return { findings: [templateFinding(err)] };
  }
  try {
    const letter = buildLetter(set, context, messages);
    letter.paragraphs = letter.paragraphs.map(intern.paragraph);
    letter.lieuDate = intern.paragraph(letter.lieuDate);
    letter.signatures = intern.same('signatures', letter.signatures);
    if (letter.supports) letter.supports = intern.same('supports', letter.supports);
    const email = intern.email(renderEmail(set, withMessages(context, messages), measure));
    return { findings: channelFindings(messages, email), texts: { messages, letter, key: letterKey(letter), email } };
  } catch (err) {
    // The channel rules were broken before the template failed: both are said.
    return { findings: [...channelFindings(messages, undefined), templateFinding(err)] };
  }
}

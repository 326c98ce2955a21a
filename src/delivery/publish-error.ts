import { redact } from '../secrets.js';
import { MAX_DEFERRAL_MS, retryAfterAt, xResumeAt, type HeaderOf } from './resume-at.js';

/**
 * What the scheduler must do with a failure to publish, and how the networks' answers are sorted
 * into it: content (the network refused the text: failed), auth (a credential or a permission to
 * fix: the posts stay queued, that network stops), rate (retry at the reset the network gave),
 * transient (nothing was published: retry soon), unknown (the request left and no readable answer
 * came: the post may be online, never retried on its own).
 */
export type PublishKind = 'content' | 'auth' | 'rate' | 'transient' | 'unknown';

export class PublishError extends Error {
  /**
   * Requests in a row to the network that this failure stands for and that got no answer
   * (unreachable, timed out, 5xx): what the scheduler counts to call the network down. An upload
   * request tried three times counts three; an interruption or a refusal counts none.
   */
  readonly unanswered: number;

  constructor(
    message: string,
    readonly kind: PublishKind,
    readonly retryAt?: Date,
    unanswered?: number,
  ) {
    // An API may echo the token it refused; a library may quote the URL it called.
    super(redact(message));
    this.unanswered = unanswered ?? (kind === 'transient' || kind === 'unknown' ? 1 : 0);
  }
}

/**
 * Network errors raised before any byte of the request left are safe to retry; a timeout or a
 * connection lost after it left is not, and neither is an error that does not say which.
 */
export function networkError(err: unknown, what: string): PublishError {
  const e = (err ?? {}) as Error & { cause?: { code?: string }; code?: string; name?: string };
  const code = e.cause?.code ?? e.code ?? '';
  if (err === undefined || e.name === 'TimeoutError' || e.name === 'AbortError' || /ETIMEDOUT|ESOCKETTIMEDOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|ECONNRESET|UND_ERR_SOCKET/.test(code) || (!code && /timeout|socket closed/i.test(e.message ?? ''))) {
    return new PublishError(`${what} : pas de réponse après l'envoi de la requête, issue inconnue`, 'unknown');
  }
  // fetch says only "fetch failed": its cause says why (a refused connection, a port fetch forbids).
  return new PublishError(`${what} injoignable (${code || (e.cause as Error | undefined)?.message || e.message})`, 'transient');
}

/**
 * A gateway's answer (502 Bad Gateway, 504 Gateway Timeout: X's edge, Meta's, LinkedIn's, or a
 * proxy named by RELAIS_*_API_URL) to the request that publishes: the request reached the gateway,
 * and the API behind it may have created the post before the gateway gave up. Like a timeout
 * after sending: unknown, never sent again on its own. 500 and 503 are the service's own answer
 * (not done): those are retried.
 */
export const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 504]);

export function gatewayAnswer(network: string, status: number, where: string): PublishError {
  const name = status === 504 ? 'délai dépassé' : 'passerelle en erreur';
  return new PublishError(`${network} : la passerelle du service a répondu ${status} (${name}) à la publication, issue inconnue : le message a pu être enregistré ; vérifiez sur ${where} avant de le relancer (relais ne le renvoie pas de lui-même)`, 'unknown');
}

/** A success whose body could not be read (cut mid-way, broken JSON): the post may be online. */
export function unreadableSuccess(network: string, status: number, where: string): PublishError {
  // Only a 2xx says « acceptée »: no status at all (0) or a redirect says nothing of the post.
  const said = status >= 200 && status < 300 ? `a répondu ${status} (publication acceptée) mais sa réponse est coupée ou illisible` : `a commencé à répondre${status ? ` (${status})` : ''} puis sa réponse a été coupée`;
  return new PublishError(`${network} ${said}, issue inconnue : la publication est peut-être en ligne ; vérifiez sur ${where} avant de la relancer (relais ne la renvoie pas d’elle-même)`, 'unknown');
}

/**
 * Ctrl-C or SIGTERM while the media of a post are still being sent: nothing is published, the
 * post goes back to the queue and the next run resumes the upload where it stopped.
 */
export function interruptedUpload(): PublishError {
  return new PublishError('interrompu pendant l’envoi des médias : rien n’a été publié, l’envoi reprend au prochain passage', 'transient', undefined, 0);
}

/**
 * A 403 of X that is about the app or the account, not the text (X API v2 problem types): the app
 * left read-only (`oauth1-permissions`, the portal's default), an app not attached to a project or
 * whose access level lacks the endpoint (`client-forbidden`), an authentication the endpoint does
 * not take (`unsupported-authentication`). Undefined for any other answer.
 */
export function xPermission(status: number, body: unknown): PublishError | undefined {
  if (status !== 403 || !body || typeof body !== 'object') return undefined;
  const b = body as { type?: unknown; reason?: unknown; detail?: unknown };
  const type = typeof b.type === 'string' ? b.type : '';
  const detail = typeof b.detail === 'string' ? b.detail : '';
  if (/\/oauth1-permissions$/.test(type) || /oauth1 app permissions/i.test(detail)) {
    return new PublishError(
      'X refuse de publier : l’application X n’a que la permission de lecture. Dans le portail développeur de X, réglez « User authentication settings » de l’application sur « Read and write », puis régénérez le jeton d’accès et renouvelez RELAIS_X_ACCESS_TOKEN et RELAIS_X_ACCESS_SECRET (un jeton créé avant garde l’ancienne permission)',
      'auth',
    );
  }
  if (/\/client-forbidden$/.test(type) || b.reason === 'client-not-enrolled') {
    return new PublishError('X refuse de publier : l’application X doit être rattachée à un projet du portail développeur dont le niveau d’accès permet de publier par l’API v2 ; rattachez-la, puis relancez', 'auth');
  }
  if (/\/unsupported-authentication$/.test(type)) {
    return new PublishError('X refuse de publier avec ce mode d’authentification : RELAIS_X_ACCESS_TOKEN et RELAIS_X_ACCESS_SECRET doivent être le jeton d’accès et le secret d’un utilisateur (OAuth 1.0a) de l’application', 'auth');
  }
  return undefined;
}

/**
 * Graph API permission errors (code 10, « application does not have permission », and 200–299,
 * « (#200) … »): the page token lacks pages_manage_posts, or its person has no right to post on
 * the page; and a page id the token cannot post to (facebookWrongPage). Undefined for any other
 * code.
 */
export function facebookPermission(code: number | undefined, step?: string, subcode?: number, page?: string, message?: string): PublishError | undefined {
  const wrongPage = facebookWrongPage(code, subcode, step, page, message);
  if (wrongPage) return wrongPage;
  if (code === undefined || !(code === 10 || (code >= 200 && code <= 299))) return undefined;
  return new PublishError(
    `Facebook refuse de publier sur la page${step ? ` pendant ${step}` : ''} (#${code}, permission manquante) : le jeton de la page doit avoir les permissions pages_manage_posts et pages_read_engagement, et la personne qui l’a créé le droit de publier sur la page ; donnez-les dans l’application Meta, puis renouvelez RELAIS_FACEBOOK_PAGE_TOKEN`,
    'auth',
  );
}

/**
 * Graph's « Unsupported post request » (400, code 100, subcode 33: the object does not exist, may
 * not be loaded with this token, or takes no such request), answered on the page's own edges: the
 * page id names no page the token may post to — often the app's id, which Meta's dashboard shows
 * first, or a person's profile id. Every post would get the same answer: a setting to fix, like a
 * permission, not a refusal of the text (which would fail each post for good).
 */
function facebookWrongPage(code: number | undefined, subcode: number | undefined, step?: string, page?: string, message = ''): PublishError | undefined {
  // The older form of the same answer: code 33, « (#33) This object does not exist or does not support this action ».
  if (!(code === 100 && subcode === 33) && code !== 33) return undefined;
  // Graph names the object it could not take: another one (an attached photo) is not the page's fault.
  const object = /Object with ID '([^']+)'/i.exec(message)?.[1];
  if (page && object && object !== page) return undefined;
  return new PublishError(
    `Facebook ne trouve pas de page${page ? ` ${page}` : ''} où ce jeton puisse publier${step ? ` (pendant ${step})` : ''} (#${code}${code === 100 ? ', sous-code 33' : ''} : objet introuvable, ou qui ne prend pas de publication) : vérifiez RELAIS_FACEBOOK_PAGE_ID, qui doit être l’identifiant de la page (Paramètres de la page, ou « À propos » > « Transparence de la page ») et non celui de l’application ou d’un profil, et que RELAIS_FACEBOOK_PAGE_TOKEN est le jeton de cette page ; les publications restent en file`,
    'auth',
  );
}

/**
 * The Graph API's throttling codes: the platform's (4 the app, 17 the user, 32 the page, 613 a
 * call-rate limit) and the Business Use Case limits (80000–80099; 80001 a Page's: « There have been
 * too many calls to this Page account », what a page token such as RELAIS_FACEBOOK_PAGE_TOKEN meets).
 */
export function isFacebookRateCode(code: number | undefined): boolean {
  return code !== undefined && (code === 4 || code === 17 || code === 32 || code === 613 || (code >= 80000 && code <= 80099));
}

/** The usage headers Meta sends, each a JSON document that may carry estimated_time_to_regain_access (minutes). */
const FACEBOOK_USAGE_HEADERS = ['x-business-use-case-usage', 'x-page-usage', 'x-app-usage', 'x-ad-account-usage'];

/**
 * When Facebook lets the page call again: the longest estimated_time_to_regain_access (minutes)
 * of its usage headers (X-Business-Use-Case-Usage: `{"<id>": [{type, call_count, …,
 * estimated_time_to_regain_access}]}`), else a Retry-After; undefined when it gave none (the
 * scheduler then waits its own default). At most MAX_DEFERRAL_MS away.
 */
export function facebookResumeAt(header: HeaderOf, now: number): Date | undefined {
  let minutes = 0;
  const visit = (v: unknown, depth: number): void => {
    if (!v || typeof v !== 'object' || depth > 4) return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'estimated_time_to_regain_access') {
        const m = typeof x === 'number' ? x : typeof x === 'string' && /^\d+(\.\d+)?$/.test(x.trim()) ? Number(x) : NaN;
        if (Number.isFinite(m) && m > minutes) minutes = m;
      } else visit(x, depth + 1);
    }
  };
  for (const name of FACEBOOK_USAGE_HEADERS) {
    const raw = header(name);
    if (!raw) continue;
    try {
      visit(JSON.parse(raw), 0);
    } catch {
      // not JSON: this header says nothing of the time
    }
  }
  if (minutes > 0) return new Date(now + Math.min(minutes * 60_000, MAX_DEFERRAL_MS));
  return retryAfterAt(header('retry-after'), now);
}

/**
 * A Graph API answer that is a rate limit (isFacebookRateCode): the posts stay queued until the
 * time Facebook gives, the network is left for the run. Undefined for any other code.
 */
export function facebookRateLimit(code: number | undefined, header: HeaderOf, step?: string): PublishError | undefined {
  if (!isFacebookRateCode(code)) return undefined;
  const which = code === 80001 || code === 32 ? 'limite d’appels de la page atteinte' : code! >= 80000 ? 'limite d’appels de l’usage professionnel atteinte' : 'limite d’appels atteinte';
  return new PublishError(`Facebook : ${which}${step ? ` pendant ${step}` : ''} (code ${code}) : la publication reste en file`, 'rate', facebookResumeAt(header, Date.now()));
}

/**
 * LinkedIn's 403 (`ACCESS_DENIED`, serviceErrorCode 100, « Not enough permissions to access … »):
 * the token lacks w_organization_social, or its member is not an administrator or content admin
 * of the organisation's page. During an upload (`step`), only an answer that says so: a 403 of the
 * upload host may be a signed URL gone stale.
 */
export function linkedinPermission(status: number, step?: string, text = ''): PublishError | undefined {
  if (status !== 403) return undefined;
  if (step && !/ACCESS_DENIED|Not enough permissions/i.test(text)) return undefined;
  return new PublishError(
    `LinkedIn refuse de publier au nom de l’organisation${step ? ` pendant ${step}` : ''} (403, permission manquante) : le jeton doit avoir la permission w_organization_social et son titulaire être administrateur ou gestionnaire de contenu de la page de l’organisation ; donnez-les, puis renouvelez RELAIS_LINKEDIN_TOKEN`,
    'auth',
  );
}

/**
 * X's error answer to `POST /2/tweets`, by status: 401 a credential, 403 a permission of the app
 * (xPermission) or a duplicate, 429 the limit and its reset, 502/504 a gateway (unknown),
 * other 5xx the service (retried), anything else a refusal of the text.
 */
export function xRefusal(code: number, data: unknown, header: (name: string) => string | string[] | undefined, fallback: string): PublishError {
  const body = data && typeof data === 'object' ? (data as { detail?: unknown }) : {};
  const detail = typeof body.detail === 'string' ? body.detail : fallback;
  if (code === 401) return new PublishError('X refuse les identifiants : renouvelez RELAIS_X_ACCESS_TOKEN et RELAIS_X_ACCESS_SECRET', 'auth');
  if (code === 429) {
    const first = (name: string) => {
      const v = header(name);
      return Array.isArray(v) ? v[0] : v;
    };
    return new PublishError('X : limite de publication atteinte', 'rate', xResumeAt(first, Date.now()));
  }
  const permission = xPermission(code, data);
  if (permission) return permission;
  if (code === 403 && /duplicate/i.test(detail)) return new PublishError('X refuse un message identique à un message déjà publié', 'content');
  if (GATEWAY_STATUSES.has(code)) return gatewayAnswer('X', code, 'le compte');
  if (code >= 500) return new PublishError(`X : erreur du service (${code})`, 'transient');
  return new PublishError(`X refuse le message (${code}) : ${detail}`, 'content');
}

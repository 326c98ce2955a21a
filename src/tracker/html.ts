import { countOf, frenchDay, frenchNumber, plural } from '../text/format.js';
import type { Figures } from './aggregate.js';
import { barsChart, CHART_CSS, cumulativeChart, dailyChart, escapeHtml } from './charts.js';

/**
 * The sign-ups report as one self-contained HTML page: no network, no script, readable on a
 * phone. Charts are inline SVG (charts.ts); everything that comes from data is escaped.
 */
export { escapeHtml } from './charts.js';

const fmt = (n: number) => frenchNumber(n);
const BLUE = '#000091';


/**
 * The period of `track --from/--to` in words (« du 01/04/2020 au 10/04/2020 », « jusqu'au
 * 10/04/2020 »), or undefined without one. `last` is the last day counted, the end of a period
 * given by --from alone.
 */
export function periodWords(periode: SignupPeriodDays | undefined, last: string | null): string | undefined {
  if (!periode || (!periode.du && !periode.au)) return undefined;
  if (periode.du) {
    const end = periode.au ?? last;
    return end ? `du ${frenchDay(periode.du)} au ${frenchDay(end)}` : `à partir du ${frenchDay(periode.du)}`;
  }
  return `jusqu’au ${frenchDay(periode.au!)}`;
}

/** `track --from/--to` as given (ISO days), for the report and the JSON document. */
export interface SignupPeriodDays {
  du?: string;
  au?: string;
}

function byDay(jours: Figures['jours'], period: string | undefined): string {
  if (!jours.length) return '<p>Aucune inscription sur la période.</p>';
  const last = jours.at(-1)!;
  // With --from, the running total starts at the period's first day: never a total « au » a date.
  const cumulative = period ? `Cumul des inscriptions ${period} (${fmt(last.cumul)} sur la période)` : `Total cumulé des inscriptions (${fmt(last.cumul)} au ${frenchDay(last.date)})`;
  return (
    dailyChart(jours.map((j) => ({ date: j.date, value: j.inscrits })), 'Inscriptions de chaque jour', 'Inscriptions du jour') +
    cumulativeChart(jours.map((j) => ({ date: j.date, value: j.cumul })), cumulative, period ? 'Cumul sur la période' : 'Total cumulé')
  );
}

/**
 * The day a report is produced, on the région's clock: a server set to UTC (or a laptop in
 * Paris) producing La Réunion's report at 22:30 UTC would date it the day before its readers'.
 */
export function producedOn(now: Date, timeZone: string): string {
  return now.toLocaleDateString('fr-FR', { timeZone });
}

export function htmlReport(f: Figures, meta: { titre: string; region: string; doublons: number; rejetes: number; genere: string; periode?: SignupPeriodDays }): string {
  const period = periodWords(meta.periode, f.date);
  const top = Object.entries(f.categories).map(([label, value]) => ({ label, value }));
  const deps = f.departements.map((d) => ({ label: `${d.code} ${d.nom}`, value: d.total }));
  // The word after a key figure agrees with it: "1 doublon retiré", "2 142 doublons retirés".
  const kpi = (value: number, singular: string, pluralForm: string) => `<div class="kpi"><b>${fmt(value)}</b>${plural(value, singular, pluralForm)}</div>`;
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Volontaires inscrits — ${escapeHtml(meta.titre)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;padding:16px;color:#1e1e1e;max-width:760px;margin:auto;line-height:1.4}
h1{font-size:1.4rem;color:${BLUE};margin:.2em 0}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;margin:16px 0}
.kpi{background:#f5f5fe;border-left:4px solid ${BLUE};padding:10px 12px}
.kpi b{display:block;font-size:1.6rem}
figure{margin:20px 0}figcaption{font-weight:600;margin-bottom:6px}
svg{display:block;width:100%;max-width:520px;height:auto;overflow:hidden}${CHART_CSS}
table{border-collapse:collapse;width:100%;font-size:.95rem}td,th{padding:4px 6px;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right;white-space:nowrap}
footer{color:#666;font-size:.85rem;margin-top:24px}
</style></head><body>
<h1>Volontaires inscrits</h1>
<p>${escapeHtml(meta.titre)} — ${escapeHtml(meta.region)}${period ? `, inscriptions ${period}` : f.date ? `, au ${frenchDay(f.date)}` : ''}</p>
<div class="kpis">
${period ? kpi(f.total, 'volontaire inscrit sur la période', 'volontaires inscrits sur la période') : kpi(f.total, 'volontaire dans la région', 'volontaires dans la région')}
${kpi(f.jours.at(-1)?.inscrits ?? 0, 'le dernier jour', 'le dernier jour')}
${kpi(f.horsRegion, 'hors de la région', 'hors de la région')}
${kpi(meta.doublons, 'doublon retiré', 'doublons retirés')}
</div>
${barsChart(deps, period ? `Par département, ${period}` : 'Par département')}
${byDay(f.jours, period)}
${barsChart(top, period ? `Par catégorie, ${period}` : 'Par catégorie')}
<table><thead><tr><th>Métier</th><th>Inscrits</th></tr></thead><tbody>
${Object.entries(f.metiers).map(([m, n]) => `<tr><td>${escapeHtml(m)}</td><td class="n">${fmt(n)}</td></tr>`).join('\n')}
</tbody></table>
<footer>${period ? `Chiffres des inscriptions ${period} ; ${countOf(f.horsPeriode, 'inscription hors de la période', 'inscriptions hors de la période')} non comptée${f.horsPeriode > 1 ? 's' : ''}. ` : ''}${countOf(meta.rejetes, 'ligne rejetée', 'lignes rejetées')}, ${countOf(f.exclus, 'désinscription non comptée', 'désinscriptions non comptées')}. Produit par relais le ${escapeHtml(meta.genere)}.</footer>
</body></html>
`;
}

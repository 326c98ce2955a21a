import type { Figures } from './aggregate.js';

/**
 * The sign-ups report as one self-contained HTML page: no network, no script, readable on a
 * phone. Charts are inline SVG; everything that comes from data is escaped.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (n: number) => n.toLocaleString('fr-FR');
const BLUE = '#000091';

function bars(items: Array<{ label: string; value: number }>, title: string): string {
  const max = Math.max(1, ...items.map((i) => i.value));
  const rowH = 28;
  const height = items.length * rowH + 10;
  const rows = items
    .map((item, i) => {
      const w = (item.value / max) * 300;
      const y = i * rowH + 5;
      return `<g><text x="0" y="${y + 17}" class="l">${escapeHtml(item.label)}</text><rect x="150" y="${y + 4}" width="${w.toFixed(1)}" height="18" fill="${BLUE}" rx="2"></rect><text x="${(155 + w).toFixed(1)}" y="${y + 18}" class="v">${fmt(item.value)}</text></g>`;
    })
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 520 ${height}" role="img" aria-label="${escapeHtml(title)}">${rows}</svg></figure>`;
}

function curve(jours: Figures['jours']): string {
  if (!jours.length) return '<p>Aucune inscription sur la période.</p>';
  const w = 520;
  const h = 220;
  const pad = { l: 50, r: 10, t: 10, b: 40 };
  const max = Math.max(1, ...jours.map((j) => j.cumul));
  const x = (i: number) => pad.l + (jours.length === 1 ? 0 : (i / (jours.length - 1)) * (w - pad.l - pad.r));
  const y = (v: number) => pad.t + (1 - v / max) * (h - pad.t - pad.b);
  const points = jours.map((j, i) => `${x(i).toFixed(1)},${y(j.cumul).toFixed(1)}`).join(' ');
  const dailyMax = Math.max(1, ...jours.map((j) => j.inscrits));
  const barW = Math.max(2, (w - pad.l - pad.r) / jours.length - 2);
  const daily = jours
    .map((j, i) => {
      const bh = (j.inscrits / dailyMax) * (h - pad.t - pad.b) * 0.4;
      return `<rect x="${(x(i) - barW / 2).toFixed(1)}" y="${(h - pad.b - bh).toFixed(1)}" width="${barW.toFixed(1)}" height="${bh.toFixed(1)}" fill="#c1c1fb"><title>${escapeHtml(j.date)} : ${fmt(j.inscrits)}</title></rect>`;
    })
    .join('');
  const labels = [0, Math.floor((jours.length - 1) / 2), jours.length - 1]
    .filter((v, i, a) => a.indexOf(v) === i)
    .map((i) => `<text x="${x(i).toFixed(1)}" y="${h - pad.b + 18}" class="a" text-anchor="${i === 0 ? 'start' : i === jours.length - 1 ? 'end' : 'middle'}">${escapeHtml(jours[i]!.date.slice(8, 10))}/${escapeHtml(jours[i]!.date.slice(5, 7))}</text>`)
    .join('');
  return `<figure><figcaption>Inscriptions cumulées par jour (barres : inscriptions du jour)</figcaption><svg viewBox="0 0 ${w} ${h}" role="img" aria-label="Courbe cumulée des inscriptions">
<line x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}" stroke="#999"></line>${daily}
<polyline points="${points}" fill="none" stroke="${BLUE}" stroke-width="3"></polyline>
<text x="${pad.l - 6}" y="${y(max) + 4}" class="a" text-anchor="end">${fmt(max)}</text><text x="${pad.l - 6}" y="${h - pad.b}" class="a" text-anchor="end">0</text>${labels}</svg></figure>`;
}

export function htmlReport(f: Figures, meta: { titre: string; region: string; doublons: number; rejetes: number; genere: string }): string {
  const top = Object.entries(f.categories).map(([label, value]) => ({ label, value }));
  const deps = f.departements.map((d) => ({ label: `${d.code} ${d.nom}`, value: d.total }));
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
svg{width:100%;height:auto}svg .l{font-size:13px}svg .v{font-size:12px;fill:#333}svg .a{font-size:12px;fill:#555}
table{border-collapse:collapse;width:100%;font-size:.95rem}td,th{padding:4px 6px;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right}
footer{color:#666;font-size:.85rem;margin-top:24px}
</style></head><body>
<h1>Volontaires inscrits</h1>
<p>${escapeHtml(meta.titre)} — ${escapeHtml(meta.region)}${f.date ? `, au ${escapeHtml(f.date.split('-').reverse().join('/'))}` : ''}</p>
<div class="kpis">
<div class="kpi"><b>${fmt(f.total)}</b>volontaires dans la région</div>
<div class="kpi"><b>${fmt(f.jours.at(-1)?.inscrits ?? 0)}</b>le dernier jour</div>
<div class="kpi"><b>${fmt(f.horsRegion)}</b>hors de la région</div>
<div class="kpi"><b>${fmt(meta.doublons)}</b>doublons retirés</div>
</div>
${bars(deps, 'Par département')}
${curve(f.jours)}
${bars(top, 'Par catégorie')}
<table><thead><tr><th>Métier</th><th>Inscrits</th></tr></thead><tbody>
${Object.entries(f.metiers).map(([m, n]) => `<tr><td>${escapeHtml(m)}</td><td class="n">${fmt(n)}</td></tr>`).join('\n')}
</tbody></table>
<footer>${fmt(meta.rejetes)} ${meta.rejetes > 1 ? 'lignes rejetées' : 'ligne rejetée'}, ${fmt(f.exclus)} ${f.exclus > 1 ? 'désinscriptions non comptées' : 'désinscription non comptée'}. Produit par relais le ${escapeHtml(meta.genere)}.</footer>
</body></html>
`;
}

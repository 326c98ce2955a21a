import { LIMITS, type MediaNetwork } from './limits.js';
import { formatLabel, type MediaFacts } from './probe.js';

/**
 * Whether a network takes a medium, said in French: each refusal names what would work instead.
 * Pure: the probe was read before.
 */
export function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Go`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
  if (bytes >= 1024) return `${(bytes / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 0 })} Ko`;
  return `${bytes} octets`;
}

const seconds = (s: number) => `${s.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s`;

/** The networks that take this kind of medium, for "what would work instead". */
function takers(probe: MediaFacts): string {
  const names = (Object.keys(LIMITS) as MediaNetwork[]).filter((n) => (probe.kind === 'video' ? LIMITS[n].video : probe.kind === 'image' ? LIMITS[n].image : LIMITS[n].document)).map((n) => LIMITS[n].label);
  return names.length ? names.join(', ') : 'aucun réseau';
}

export function mediumProblems(probe: MediaFacts, network: MediaNetwork): string[] {
  const l = LIMITS[network];
  const problems: string[] = [];
  if (probe.kind === 'document') {
    if (!l.document) return [`${l.label} ne publie pas de ${formatLabel(probe.format)} : publiez-le sur ${takers(probe)} (post document), ou joignez à la place une image PNG/JPEG de sa première page ou un lien vers le PDF dans le texte`];
    if (probe.size > l.document.maxBytes) problems.push(`${size(probe.size)}, au-delà des ${size(l.document.maxBytes)} acceptés par ${l.label} : allégez le PDF (images compressées)`);
    if (probe.pages !== undefined && probe.pages > l.document.maxPages) problems.push(`${probe.pages} pages, au-delà des ${l.document.maxPages} acceptées par ${l.label}`);
    return problems;
  }
  if (probe.kind === 'image') {
    const i = l.image;
    if (!i || !i.formats.includes(probe.format)) return [`${l.label} ne publie pas d'${formatLabel(probe.format)} : convertissez-la en PNG ou JPEG`];
    if (i.maxBytes !== undefined && probe.size > i.maxBytes) problems.push(`${size(probe.size)}, au-delà des ${size(i.maxBytes)} acceptés par ${l.label} pour une image : enregistrez-la en JPEG ou réduisez ses dimensions`);
    const { width, height } = probe.image ?? { width: 0, height: 0 };
    if (i.maxPixels !== undefined && width * height > i.maxPixels) problems.push(`${width} × ${height} pixels, au-delà des ${i.maxPixels.toLocaleString('fr-FR')} pixels acceptés par ${l.label} : réduisez ses dimensions`);
    if (i.maxSide !== undefined && Math.max(width, height) > i.maxSide) problems.push(`${width} × ${height} pixels, au-delà de ${i.maxSide} pixels de côté acceptés par ${l.label} : réduisez ses dimensions`);
    return problems;
  }
  const v = l.video;
  const f = probe.video;
  if (!v || !f) return [`${l.label} ne publie pas de vidéo par son API : publiez-la sur ${takers(probe)}`];
  if (probe.size > v.maxBytes) problems.push(`${size(probe.size)}, au-delà des ${size(v.maxBytes)} acceptés par ${l.label} : réencodez-la à un débit plus faible ou raccourcissez-la`);
  if (!f.videoCodec) problems.push('aucune piste vidéo : une vidéo H.264 est attendue');
  else if (!v.videoCodecs.includes(f.videoCodec)) problems.push(`codec vidéo ${codecName(f.videoCodec)}, que ${l.label} ne garantit pas : réencodez-la en H.264 (par exemple « ffmpeg -i entree.mp4 -c:v libx264 -c:a aac sortie.mp4 »)`);
  if (f.audioCodec && !v.audioCodecs.includes(f.audioCodec)) problems.push(`codec audio ${f.audioCodec}, que ${l.label} ne garantit pas : réencodez le son en AAC`);
  if (f.durationSec < v.minSec) problems.push(`durée de ${seconds(f.durationSec)}, en deçà des ${seconds(v.minSec)} exigées par ${l.label}`);
  if (f.durationSec > v.maxSec) problems.push(`durée de ${seconds(f.durationSec)}, au-delà des ${seconds(v.maxSec)} acceptées par ${l.label} : raccourcissez-la`);
  if (f.width > v.maxWidth || f.height > v.maxHeight) problems.push(`${f.width} × ${f.height} pixels, au-delà des ${v.maxWidth} × ${v.maxHeight} acceptés par ${l.label} : réduisez sa résolution (1280 × 720 convient partout)`);
  if (f.fps > v.maxFps) problems.push(`${f.fps} images par seconde, au-delà des ${v.maxFps} acceptées par ${l.label}`);
  return problems;
}

function codecName(fourcc: string): string {
  if (fourcc === 'hvc1' || fourcc === 'hev1') return 'HEVC (H.265)';
  if (fourcc === 'av01') return 'AV1';
  if (fourcc === 'vp09') return 'VP9';
  return fourcc;
}

/** Problems of a post's media taken together (how many, what mixes). */
export function setProblems(probes: MediaFacts[], network: MediaNetwork): string[] {
  const l = LIMITS[network];
  const problems: string[] = [];
  if (probes.length > l.maxPerPost) problems.push(`${probes.length} médias, au-delà des ${l.maxPerPost} qu'une publication ${l.label} peut porter`);
  const videos = probes.filter((p) => p.kind === 'video').length;
  const docs = probes.filter((p) => p.kind === 'document').length;
  if ((videos && probes.length > 1) || (docs && probes.length > 1)) problems.push(`une vidéo ou un document se publie seul sur ${l.label} : faites une publication par vidéo ou document`);
  return problems;
}

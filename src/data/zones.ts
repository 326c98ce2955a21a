/**
 * The time zone of an ARS région (INSEE code): what its people's clocks say, for the day a
 * sign-up is counted on and the hour a post is planned at. Metropolitan France and Corsica by
 * default; the five overseas régions have their own.
 */
const REGION_ZONES: Record<string, string> = {
  '01': 'America/Guadeloupe',
  '02': 'America/Martinique',
  '03': 'America/Cayenne',
  '04': 'Indian/Reunion',
  '06': 'Indian/Mayotte',
};

export const METROPOLE_ZONE = 'Europe/Paris';

/** Where a zone's clock is, as a French sentence says it (« il est 22:25 à La Réunion »). */
const ZONE_PLACES: Record<string, string> = {
  'Europe/Paris': 'à Paris',
  'America/Guadeloupe': 'en Guadeloupe',
  'America/Martinique': 'en Martinique',
  'America/Cayenne': 'en Guyane',
  'Indian/Reunion': 'à La Réunion',
  'Indian/Mayotte': 'à Mayotte',
};

export function zonePlace(tz: string): string {
  return ZONE_PLACES[tz] ?? `au fuseau ${tz}`;
}

export function regionZone(region: string | undefined): string {
  return (region && REGION_ZONES[region]) || METROPOLE_ZONE;
}

/**
 * A campaign's zone: its région's, or, without a `region:` line, the one région all its
 * départements share (a Guyane campaign that names only 973); Paris for a campaign across régions.
 */
export function campaignZone(campaign: { region: { code: string } | undefined; departements: ReadonlyArray<{ regionInfo: { code: string } }> }): string {
  if (campaign.region) return regionZone(campaign.region.code);
  const regions = new Set(campaign.departements.map((d) => d.regionInfo.code));
  return regions.size === 1 ? regionZone([...regions][0]) : METROPOLE_ZONE;
}

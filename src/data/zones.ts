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

export function regionZone(region: string | undefined): string {
  return (region && REGION_ZONES[region]) || METROPOLE_ZONE;
}

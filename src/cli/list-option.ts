/**
 * List options (--dep, --commune, …) are repeatable and accept commas, the same way everywhere:
 * `--dep 45 --dep 37` and `--dep 45,37` mean the same.
 */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  return [...(previous ?? []), ...items];
}

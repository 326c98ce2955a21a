/** « YYYY-MM-DD HH:MM » in Paris, `hoursAgo` hours before now: a post due earlier today, say. */
export function parisTime(hoursAgo: number): string {
  const at = new Date(Date.now() - hoursAgo * 3_600_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

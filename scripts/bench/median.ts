/** The middle of the values (the upper middle of an even count): every bench figure is a median of runs. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// `--columns SPEC`: which input columns are the features, in which order. SPEC is a comma list
// of column names (from the header, record keys or schema), 0-based indices, and ranges of
// either (`0-3`, `alcohol-proline`, both ends included): `x,y,2`, `0-3`, `1-12`.
import { CliError } from './errors.js';

const quoteName = (name: string): string => `'${name}'`;

/** The names of the input's columns for a message: `a, b, c`, or `0 to 4` without names. */
function listColumns(names: readonly string[] | null, width: number): string {
  if (names) return names.map((n, i) => (n === '' ? `(column ${i} has no name)` : n)).join(', ');
  return `0 to ${width - 1}`;
}

/**
 * Resolves SPEC against the input's column names (null when it has none) and width. Returns the
 * chosen 0-based indices in SPEC's order; every column when SPEC is null. With `weights`
 * (`--weights COLUMN`) and SPEC, that column follows the chosen ones, and must not be one of them.
 */
export function resolveColumns(
  spec: string | null | undefined,
  names: readonly string[] | null,
  width: number,
  file: string,
  weights?: string | null,
): number[] {
  if (spec === null || spec === undefined) return Array.from({ length: width }, (_, j) => j);
  const chosen = resolveSpec(`--columns ${spec}`, spec, names, width, file);
  if (weights === null || weights === undefined) return chosen;
  // `--weights COLUMN` with `--columns`: that column is read too, after the features.
  const option = `--weights ${weights}`;
  const [w, ...more] = resolveSpec(option, weights, names, width, file);
  if (w === undefined || more.length > 0) throw new CliError(`${option}: name one column, by its name or 0-based index`);
  if (chosen.includes(w)) {
    throw new CliError(`${option}: that column is also in --columns ${spec}; the weights are not a feature, so leave it out of --columns`);
  }
  return [...chosen, w];
}

/** The columns SPEC chooses (see {@link resolveColumns}); `option` names it in messages. */
function resolveSpec(option: string, spec: string, names: readonly string[] | null, width: number, file: string): number[] {
  const byName = new Map<string, number>();
  names?.forEach((name, j) => {
    if (!byName.has(name)) byName.set(name, j);
  });
  const index = (text: string): number => {
    const j = Number(text);
    if (j >= width) {
      throw new CliError(`${option}: ${file} has ${width} column${width === 1 ? '' : 's'}, numbered 0 to ${width - 1}; there is no column ${j}`);
    }
    return j;
  };
  const notFound = (name: string): CliError =>
    names
      ? new CliError(`${option}: ${file} has no column ${quoteName(name)}; its columns are: ${listColumns(names, width)}`)
      : new CliError(`${option}: ${file} has no column names (no header), so choose columns by index, from 0 to ${width - 1}`);

  const chosen: number[] = [];
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') throw new CliError(`${option}: an empty item; write names or 0-based indices separated by commas, like 0-3 or x,y,2`);
    const named = byName.get(item);
    if (named !== undefined) {
      chosen.push(named);
      continue;
    }
    if (/^\d+$/.test(item)) {
      chosen.push(index(item));
      continue;
    }
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(item);
    let ends: [number, number] | null = range ? [index(range[1]!), index(range[2]!)] : null;
    if (!ends && names && item.includes('-')) {
      // A range of names: the first split whose two sides are both names.
      for (let at = item.indexOf('-'); at > 0; at = item.indexOf('-', at + 1)) {
        const a = byName.get(item.slice(0, at).trim());
        const b = byName.get(item.slice(at + 1).trim());
        if (a !== undefined && b !== undefined) {
          ends = [a, b];
          break;
        }
      }
    }
    if (!ends) throw notFound(item);
    const [a, b] = ends;
    if (a > b) throw new CliError(`${option}: the range ${item} runs backwards (${a} > ${b}); write it as ${b}-${a}`);
    for (let j = a; j <= b; j++) chosen.push(j);
  }
  const seen = new Set<number>();
  for (const j of chosen) {
    if (seen.has(j)) {
      const name = names?.[j] ? ` (${names[j]})` : '';
      throw new CliError(`${option}: column ${j}${name} is chosen twice`);
    }
    seen.add(j);
  }
  return chosen;
}

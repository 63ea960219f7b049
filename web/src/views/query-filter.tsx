import { setQuery, useRoute } from '../lib/router.js';

/** A filter kept in the URL's query (`?name=value`): a labelled select whose first choice, `any`, removes it. */
export function QueryFilter({
  label,
  name,
  options,
  any = 'any',
}: {
  label: string;
  name: string;
  /** [value, text] pairs. */
  options: readonly (readonly [string, string])[];
  any?: string;
}) {
  const { query } = useRoute();
  return (
    <label>
      {label}{' '}
      <select value={query.get(name) ?? ''} onChange={(e) => setQuery({ [name]: e.currentTarget.value })}>
        <option value="">{any}</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

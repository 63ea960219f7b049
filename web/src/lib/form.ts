/** A form field's text, trimmed; '' when absent (or a file). */
export const fieldText =
  (f: FormData) =>
  (name: string): string => {
    const v = f.get(name);
    return typeof v === 'string' ? v.trim() : '';
  };

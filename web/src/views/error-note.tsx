/** An error the API answered, shown where the action was (never swallowed). */
export function ErrorNote({ text, testId }: { text: string | undefined; testId?: string }) {
  if (!text) return null;
  return (
    <p class="error" role="alert" data-testid={testId}>
      {text}
    </p>
  );
}

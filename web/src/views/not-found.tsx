export function NotFound() {
  return (
    <section class="empty">
      <h2>Nothing here</h2>
      <p>
        This address is not a page of the dashboard. <a href="/">Back to the overview</a>.
      </p>
    </section>
  );
}

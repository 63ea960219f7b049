/**
 * Preload (`node --import`) for the demo fleet's children: when the parent dies — even by
 * SIGKILL, which leaves no chance to clean up — the child's stdin pipe closes, and the child
 * sends itself SIGTERM (its graceful shutdown, or the default exit). Prevents orphans.
 */
if (process.env.MCP_HEALTH_DEMO_PARENT_STDIN === '1') {
  const stop = (): void => {
    process.kill(process.pid, 'SIGTERM');
  };
  process.stdin.once('end', stop);
  process.stdin.once('close', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  // Reading stdin must not keep an otherwise finished process alive.
  process.stdin.unref();
}

export {};

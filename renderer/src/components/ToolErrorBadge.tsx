// Says that tool calls failed, wherever a turn, an episode or a session is listed: a failed tool
// must never look like a success (its result says "error"; the answer after it may be invented).
export function ToolErrorBadge({ count, unit = 'tool call' }: { count: number; unit?: string }) {
  if (count <= 0) return null;
  return (
    <span className="badge tool-error" data-testid="tool-error" title={`${count} ${unit}(s) with a failed tool`}>
      tool error{count > 1 ? ` ×${count}` : ''}
    </span>
  );
}

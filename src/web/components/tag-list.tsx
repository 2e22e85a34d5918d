/** Small pills for tags and sources; a dash when there are none. */
export function TagList({ values, className = "tag" }: { values: string[]; className?: string }) {
  if (values.length === 0) return <span className="muted">—</span>;
  return (
    <span className="tag-list">
      {values.map((value) => (
        <span key={value} className={className}>
          {value}
        </span>
      ))}
    </span>
  );
}

/** A QR code the server drew (SVG), shown as an image: nothing of it reaches the DOM as markup. */
export function Qr({ svg, size, label }: { svg: string | undefined; size: number; label: string }) {
  if (!svg) return <div style={{ width: size, height: size, margin: '0 auto' }} />;
  return (
    <img
      alt={label}
      width={size}
      height={size}
      style={{ display: 'block', margin: '0 auto' }}
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
    />
  );
}

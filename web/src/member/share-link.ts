const KEY = 'member.share_code';

/** The `?r=` of a share link, kept for the tab across the OTP sign-in and the first claim. */
export function shareCode(): string | null {
  const fromUrl = new URLSearchParams(window.location.search).get('r');
  if (fromUrl) sessionStorage.setItem(KEY, fromUrl);
  return fromUrl ?? sessionStorage.getItem(KEY);
}

/** What the page is rendered with. */
export interface BoardPageContext {
  /** The page's own path: its script, style and API are under it. */
  base: string;
  readOnly: boolean;
  showValues: boolean;
  /** The token actions must carry; `null` on a read-only board. */
  csrfToken: string | null;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** The board's one page: a shell the script fills from the JSON API, with no inline script or style. */
export function renderBoardPage({ base, readOnly, showValues, csrfToken }: BoardPageContext): string {
  const at = escapeHtml(base);
  const token = csrfToken === null ? '' : `\n<meta name="csrf-token" content="${escapeHtml(csrfToken)}">`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cache board</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${at}/board.css">${token}
</head>
<body data-base="${at}" data-read-only="${readOnly}" data-show-values="${showValues}">
<header class="top">
<h1>Cache board</h1>
<span class="mode">${readOnly ? 'read-only' : 'writable'}${showValues ? ' · values shown' : ''}</span>
<span class="updated" id="updated">loading…</span>
</header>
<p class="banner" id="banner" hidden></p>
<main id="buckets"></main>
<script src="${at}/board.js"></script>
</body>
</html>
`;
}

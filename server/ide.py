"""The IDE: GraphiQL and every asset it loads, served by Carnet itself (no CDN, works offline).

The third-party files in server/ide_assets/static are the npm registry's, unmodified, pinned
and checksummed by server/ide_assets/refresh.sh (README, "The IDE"). The page's Content
Security Policy lets it load nothing but from Carnet, and talk to nothing but Carnet.
"""

from pathlib import Path

from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

ASSETS = Path(__file__).parent / "ide_assets"
ASSETS_URL = "/ide"
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # GraphiQL sets styles on its elements
        "font-src 'self' data:",  # its fonts are inlined in its stylesheet
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ]
)


def ide_page(endpoint: str = "/graphql") -> Response:
    html = (ASSETS / "page.html").read_text().format(assets=ASSETS_URL, endpoint=endpoint)
    headers = {
        "Content-Security-Policy": POLICY,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
    }
    return HTMLResponse(html, headers=headers)


def ide_assets() -> Mount:
    return Mount(ASSETS_URL, app=StaticFiles(directory=ASSETS / "static"), name="ide")

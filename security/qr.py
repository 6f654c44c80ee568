"""QR codes for authenticator apps, drawn on the server as SVG (no script, no third-party service)."""

import base64

import qrcode
import qrcode.image.svg


def qr_data_uri(text: str) -> str:
    """`text` as a QR code in a data: URI for an <img> (the Content-Security-Policy allows data: images)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")

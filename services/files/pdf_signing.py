"""PAdES signatures on PDFs (pyhanko): any PDF reader can check that the issuing authority signed the file
and that not a byte changed since."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers


def sign_pdf(data: bytes, *, key: Path, cert: Path, chain: tuple[Path, ...], reason: str, location: str) -> bytes:
    """The PDF with a PAdES B-B signature of the key and certificate (the chain embedded for verifiers)."""
    signer = signers.SimpleSigner.load(str(key), str(cert), ca_chain_files=tuple(str(c) for c in chain))
    if signer is None:
        raise ValueError(f"cannot load the signing key {key} or certificate {cert}")
    meta = signers.PdfSignatureMetadata(
        field_name="IssuerSignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )

    async def run() -> bytes:
        out = await signers.async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer)
        return out.getvalue()

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no loop in this thread
        return asyncio.run(run())
    # called from inside an event loop (a server callback): run the signing on a thread of its own
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()

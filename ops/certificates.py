"""Electronic certificates from the command line.

    python -m ops.certificates public-key                 prints the published key (PEM) that signs tokens
    python -m ops.certificates verify-token TOKEN [--public-key FILE]

verify-token checks a token offline, against the published key in FILE (or this installation's own key):
exit 0 when the issuing authority signed it, 1 when not. It says nothing of the live status (注销, 过期, a
newer certificate): that needs the verification page, which the token's QR code opens.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.registry import certificate_keys
from services.registry.certificate_token import read_token


def verify_token(token: str, public_key_file: str | None = None) -> tuple[bool, str]:
    """(signed by the key?, the Chinese line to print)."""
    try:
        key = (
            certificate_keys.load_public_key(Path(public_key_file).read_bytes())
            if public_key_file
            else certificate_keys.token_key().public_key()
        )
    except (OSError, ValueError) as e:
        return False, f"无法读取公钥文件：{e}"
    claims = read_token(token, key)
    if claims is None:
        return False, "验证失败：该令牌不是发证机关签发的，或已被篡改"
    return True, (
        f"签名有效：电子证书 {claims.certificate_id}，注册号 {claims.reg_no}，签发日期 {claims.issued_on:%Y-%m-%d}"
        "（证书当前状态请扫码或访问公开查询页核验）"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.certificates", description="电子注册证书")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("public-key", help="输出验证令牌所用的公钥（PEM）")
    check = sub.add_parser("verify-token", help="离线验证二维码中的令牌")
    check.add_argument("token")
    check.add_argument("--public-key", metavar="FILE", help="公钥文件（PEM），默认本系统的公钥")
    args = parser.parse_args(argv)
    if args.command == "public-key":
        print(certificate_keys.public_key_pem(), end="")
        return 0
    ok, line = verify_token(args.token, args.public_key)
    print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

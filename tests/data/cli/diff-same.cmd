diff allowlist-old.sb allowlist-old.sb

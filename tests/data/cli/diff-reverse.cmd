diff --color=never allowlist-new.sb allowlist-old.sb

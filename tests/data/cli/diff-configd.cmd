diff --color=never allowlist-old.sb allowlist-new.sb

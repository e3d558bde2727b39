lint --color=never --macos 14.5 mach-allow.sb

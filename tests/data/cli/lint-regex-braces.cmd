lint --color=never regex-braces.sb

lint --color=always ../lint/relative-path.sb

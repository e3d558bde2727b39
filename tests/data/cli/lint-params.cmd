lint --color=never -D WORK=/tmp/w params.sb

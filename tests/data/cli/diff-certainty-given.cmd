diff --color=never -D SECRET=/Users/me/.ssh param-old.sb param-new.sb

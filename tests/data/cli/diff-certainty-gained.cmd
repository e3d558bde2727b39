diff --color=never param-old.sb param-new.sb

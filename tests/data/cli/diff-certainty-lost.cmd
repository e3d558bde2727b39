diff --color=never param-new.sb param-old.sb

diff --color=never net-old.sb net-new.sb

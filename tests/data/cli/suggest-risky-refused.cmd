suggest -f suggest-base.sb --apply mixed.log

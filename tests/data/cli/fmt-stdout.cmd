fmt --stdout messy.sb

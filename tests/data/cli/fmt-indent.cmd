fmt --stdout --indent 4 --width 30 messy.sb

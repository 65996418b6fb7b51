"""The questions pages ask and the changes they make; authorisation is part of
every query here, so routes never build queries themselves."""

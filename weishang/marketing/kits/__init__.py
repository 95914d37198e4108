"""Share kits (一键分享): a library post ready to paste on one channel by one seller, with its
tracked link, images and a poster."""

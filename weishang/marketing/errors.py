"""The error codes the marketing app answers with (see weishang.core.errors.declare)."""

from weishang.core.errors import declare

declare("marketing", "agent_not_active", 400,
        "The seller is not an active agent; nothing to share.")
declare("marketing", "too_many_images", 400, "The post would have more pictures than allowed.")
declare("marketing", "post_not_found", 404, "The post is not in the library.")
declare("marketing", "channel_not_found", 404, "No channel in use has this code.")
declare("marketing", "image_not_found", 404, "The image is not part of the kit.")
declare("marketing", "post_in_use", 409, "The post was shared or planned; unpublish it instead.")
declare("marketing", "already_posted", 409, "The post is marked as posted already.")
declare("marketing", "plan_rule", 409, "The plan breaks the posting rules.")
